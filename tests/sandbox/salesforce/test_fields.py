"""Custom fields through the Tooling API, invisible and unwritable until a permission set grants and is assigned."""
import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

SCORE = {"type": "Number", "label": "LeadScore Score", "precision": 3, "scale": 0}
TIER = {"type": "Picklist", "label": "LeadScore Tier", "valueSet": {"restricted": True, "valueSetDefinition": {
    "value": [{"fullName": t, "label": t} for t in "ABCD"]}}}


def create_field(sf, full_name, metadata):
    return sf.restful("tooling/sobjects/CustomField", method="POST", json={"FullName": full_name, "Metadata": metadata})


def grant(sf, user_id, fields):
    permission_set = sf.PermissionSet.create({"Name": "LeadScore", "Label": "LeadScore"})["id"]
    for field in fields:
        sf.FieldPermissions.create({"ParentId": permission_set, "SobjectType": field.split(".")[0], "Field": field,
                                    "PermissionsRead": True, "PermissionsEdit": True})
    return permission_set


def test_new_fields_stay_hidden_until_a_permission_set_is_assigned(salesforce_sandbox, sf, org):
    assert create_field(sf, "Lead.LeadScore_Score__c", SCORE)["success"]
    assert create_field(sf, "Lead.LeadScore_Tier__c", TIER)["success"]
    with pytest.raises(SalesforceMalformedRequest) as raised:
        create_field(sf, "Lead.LeadScore_Score__c", SCORE)
    assert raised.value.content[0]["errorCode"] == "DUPLICATE_DEVELOPER_NAME"
    found = sf.restful("tooling/query", params={"q": "SELECT Id, DeveloperName, TableEnumOrId FROM CustomField "
                                                     "WHERE TableEnumOrId IN ('Lead')"})
    assert {"LeadScore_Score", "LeadScore_Tier"} <= {r["DeveloperName"] for r in found["records"]}

    lead = sf.query("SELECT Id FROM Lead WHERE IsConverted = false LIMIT 1")["records"][0]["Id"]
    assert "LeadScore_Score__c" not in {f["name"] for f in sf.Lead.describe()["fields"]}
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.query("SELECT Id, LeadScore_Score__c FROM Lead")
    assert raised.value.content[0]["errorCode"] == "INVALID_FIELD"
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.Lead.update(lead, {"LeadScore_Score__c": 87})
    assert raised.value.content[0]["errorCode"] == "INVALID_FIELD"

    permission_set = grant(sf, org.integration_user_id, ["Lead.LeadScore_Score__c", "Lead.LeadScore_Tier__c"])
    with pytest.raises(SalesforceMalformedRequest):  # granted but not yet assigned
        sf.Lead.update(lead, {"LeadScore_Score__c": 87})
    sf.PermissionSetAssignment.create({"AssigneeId": org.integration_user_id, "PermissionSetId": permission_set})
    assert sf.Lead.update(lead, {"LeadScore_Score__c": 87, "LeadScore_Tier__c": "A"}) == 204
    row = sf.query(f"SELECT LeadScore_Score__c, LeadScore_Tier__c FROM Lead WHERE Id = '{lead}'")["records"][0]
    assert (row["LeadScore_Score__c"], row["LeadScore_Tier__c"]) == (87.0, "A")
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.Lead.update(lead, {"LeadScore_Tier__c": "Z"})
    assert raised.value.content[0]["errorCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    assert salesforce_sandbox.calls(org.id)["schema"] >= 6
