from casework.audit.registry import register

register("qa.sample_drawn", "A quality-assurance sample of gateway decisions was drawn.")
register("qa.finding_recorded", "An assurance lead recorded a QA finding on a gateway decision.")
register("report.thresholds_viewed", "A thresholds review report was viewed or exported.")
