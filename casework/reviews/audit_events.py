from casework.audit.registry import register

register("review.scheduled", "A review was scheduled.")
register("review.rescheduled", "An open-case review was brought forward to a panel meeting.")
register("review.became_due", "A scheduled review entered its due window.")
register("review.became_overdue", "A review passed its due date without being completed.")
register("review.completed", "A review was completed with an outcome.")
register("review.cancelled", "A review was cancelled because the case moved on.")
register("review.extended", "Post-closure monitoring was extended.")
register("case.reopened", "A closed case was reopened after a review found concerns.")
register("case.monitoring_ended", "Post-closure monitoring of a case ended.")
register("task.created", "A reminder task was created for its owners.")
register("task.escalated", "An overdue item was escalated.")
