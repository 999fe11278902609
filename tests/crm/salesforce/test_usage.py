"""The daily-allocation governor on its own: no pause below 90%, then a pause growing with usage."""
from connector.crm.salesforce.usage import ApiUsage


def test_no_pause_until_the_threshold_then_growing_to_the_cap():
    usage = ApiUsage(min_pause=0.5, max_pause=30.0)
    assert usage.pause() == 0.0  # nothing observed yet
    usage.observe("api-usage=89999/100000")
    assert usage.pause() == 0.0
    pauses = []
    for used in (90_000, 95_000, 99_000, 100_000, 120_000):
        usage.observe(f"api-usage={used}/100000")
        pauses.append(usage.pause())
    assert pauses[0] == 0.5 and pauses == sorted(pauses) and pauses[-1] == pauses[-2] == 30.0
    assert usage.exhausted


def test_per_app_usage_is_not_mistaken_for_the_org_figure():
    usage = ApiUsage()
    usage.observe("api-usage=25/5000; per-app-api-usage=4990/5000(appName=other)")
    assert (usage.used, usage.total) == (25, 5000)
