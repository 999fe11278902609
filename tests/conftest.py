pytest_plugins = [
    "tests.fixtures.services",
    "tests.fixtures.hubspot_sandbox",
    "tests.fixtures.hubspot_client",
    "tests.fixtures.salesforce_sandbox",
    "tests.fixtures.salesforce_client",
    "tests.fixtures.browser",
]
