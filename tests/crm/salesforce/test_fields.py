"""Which fields a pull selects, and how describe types read for the scoring side."""
from connector.crm.salesforce import salesforce_score_fields
from connector.crm.salesforce.fields import SELECT_BUDGET, property_spec, pull_fields, score_field_metadata

NAMES = salesforce_score_fields()


def field(name, type_="string", length=80, **extra):
    return {"name": name, "label": name, "type": type_, "length": length, "updateable": True,
            "custom": name.endswith("__c"), **extra}


def test_own_output_is_not_pulled_but_the_override_is():
    describe = [field("Email", "email"), field(NAMES.score, "double"), field(NAMES.tier, "picklist"),
                field(NAMES.override_tier, "picklist"), field("Address", "address")]
    chosen = pull_fields("Lead", describe, NAMES)
    assert chosen[:5] == ["Id", "SystemModstamp", "OwnerId", "IsConverted", "ConvertedContactId"]
    assert "Email" in chosen and NAMES.override_tier in chosen
    assert NAMES.score not in chosen and NAMES.tier not in chosen and "Address" not in chosen


def test_only_one_long_text_field_so_batches_stay_at_2000():
    describe = [field("Story__c", "textarea", 32000), field("Notes__c", "textarea", 32000),
                field("Short__c", "textarea", 255)]
    chosen = pull_fields("Contact", describe, NAMES)
    assert "Story__c" in chosen and "Notes__c" not in chosen and "Short__c" in chosen


def test_a_real_size_describe_pulls_the_chosen_fields_never_all():
    describe = [field("Email", "email"), field("Title"), field("Jigsaw"), field("CleanStatus", "picklist"),
                field("CreatedById", "reference"), field("MailingLatitude", "double"), field("Page_Views__c", "double"),
                field("Region_Code")]
    chosen = pull_fields("Contact", describe, NAMES, extra=("Region_Code",))
    assert {"Email", "Title", "Page_Views__c", "Region_Code"} <= set(chosen)  # Region_Code: the settings name it
    assert not {"Jigsaw", "CleanStatus", "CreatedById", "MailingLatitude"} & set(chosen)


def test_the_select_list_stays_within_the_query_budget():
    describe = [field(f"Custom_Field_Number_{i}__c") for i in range(1000)]
    chosen = pull_fields("Lead", describe, NAMES)
    assert 100 < len(chosen) < 1000 and len(", ".join(chosen)) <= SELECT_BUDGET


def test_describe_types_map_to_the_scoring_vocabulary():
    tier = property_spec(field("Rating", "picklist", picklistValues=[
        {"value": "Hot", "active": True}, {"value": "Old", "active": False}]))
    assert (tier.type, tier.options) == ("enumeration", ("Hot",))
    formula = property_spec(field("Age__c", "double", calculated=True))
    assert formula.type == "number" and formula.calculated
    assert property_spec(field("IsConverted", "boolean")).type == "boolean"
    assert property_spec(field("Photo", "base64")) is None


def test_score_field_metadata_matches_the_design():
    metadata = score_field_metadata(NAMES)
    assert {m["type"] for m in metadata.values()} == {"Number", "Picklist", "LongTextArea", "DateTime", "Text"}
    values = metadata[NAMES.tier]["valueSet"]["valueSetDefinition"]["value"]
    assert [v["fullName"] for v in values] == ["A", "B", "C", "D"]
