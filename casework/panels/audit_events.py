from casework.audit.registry import register

register("meeting.scheduled", "A panel meeting was scheduled.")
register("meeting.case_added", "A case was put on a meeting's agenda.")
register("meeting.member_invited", "A panel member was invited to a meeting.")
register("meeting.attendance_recorded", "Attendance at a meeting was recorded.")
register("meeting.minutes_recorded", "Minutes for a case were recorded.")
register("vaf.recorded", "A Vulnerability Assessment Framework assessment was recorded.")
register("panel.decided", "A Channel panel decided to adopt or not adopt a case.")
register("consent.recorded", "Consent to Channel support was recorded (given or refused).")
register("consent.withdrawn", "Consent to Channel support was withdrawn.")
register("case.closed", "A Channel case was closed.")
