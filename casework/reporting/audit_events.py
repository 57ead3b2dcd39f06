from casework.audit.registry import register

register("report.statistics_viewed", "The official statistics tables were viewed or exported (aggregates only).")
register("report.dashboard_viewed", "A caseload and review dashboard was viewed (aggregates only).")
