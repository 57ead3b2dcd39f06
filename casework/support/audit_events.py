from casework.audit.registry import register

register("intervention.added", "An intervention was added to a support plan.")
register("intervention.status_changed", "An intervention started, completed or ended.")
register("support_action.added", "An action was added to a support plan.")
register("support_action.completed", "A support plan action was marked done.")
register("progress_note.added", "A progress note was written.")
