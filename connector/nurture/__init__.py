"""The connector's side of nurturing and feedback: recording overrides and outcomes, and the figures the
dashboard shows about them (the engine that runs rules lives in `workers.nurture`)."""
