"""The contact properties a new HubSpot portal comes with, so the sandbox's schema is the size of a real one.

Names, types, field types, groups and whether HubSpot calculates the value, for HubSpot's default contact
properties as its knowledge base lists them ("HubSpot's default contact properties") and as a portal's
`GET /crm/v3/properties/contacts` shows them: contact information, lifecycle stage history, web analytics,
email, conversion, sales activity, deals, IP geolocation, social and system bookkeeping. The seeded ones
(seed.py) keep their options and values; these others exist and are mostly empty, as in a fresh portal.
"""
from __future__ import annotations

# Lifecycle stages HubSpot tracks dates and durations for (seed.STAGES, plus two it always defines).
TRACKED_STAGES = ("subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer",
                  "evangelist", "other")

_T, _N, _D, _E, _B = ("string", "text"), ("number", "number"), ("datetime", "date"), ("enumeration", "select"), \
    ("bool", "booleancheckbox")

# name: (type, fieldType), group, calculated
_EDITABLE = {
    "contactinformation": {
        "salutation": _T, "mobilephone": ("string", "phonenumber"), "fax": ("string", "phonenumber"),
        "address": _T, "city": _T, "state": _T, "zip": _T, "website": _T, "twitterhandle": _T,
        "message": ("string", "textarea"), "hs_lead_status": ("enumeration", "radio"), "hs_persona": _E,
        "hs_language": _E, "hs_buying_role": ("enumeration", "checkbox"), "job_function": _T, "seniority": _E,
        "work_email": _T, "date_of_birth": _T, "degree": _T, "field_of_study": _T, "school": _T,
        "graduation_date": _T, "marital_status": _T, "military_status": _T, "relationship_status": _T,
        "hs_timezone": _E, "company_size": _T, "hs_whatsapp_phone_number": ("string", "phonenumber"),
        "hs_content_membership_notes": ("string", "textarea"), "hs_content_membership_status": _E,
        "hs_legal_basis": ("enumeration", "checkbox"), "hs_additional_emails": ("enumeration", "checkbox"),
        "associatedcompanyid": _N, "hs_marketable_status": _E, "hs_marketable_reason_type": _E,
        "hs_marketable_until_renewal": _E, "hs_google_click_id": _T, "hs_facebook_click_id": _T,
        "hs_linkedinid": _T, "hs_facebookid": _T, "hs_googleplusid": _T, "hs_twitterid": _T,
        "hs_feedback_last_nps_follow_up": _T, "hs_avatar_filemanager_key": _T, "hubspot_team_id": _E,
        "hs_email_domain": _T, "notes_next_activity_date": _D, "hs_sequences_is_enrolled": _B,
    },
}
_CALCULATED = {
    "contactinformation": [
        ("hs_all_owner_ids", _E), ("hs_all_team_ids", _E), ("hs_all_accessible_team_ids", _E),
        ("hs_created_by_user_id", _N), ("hs_updated_by_user_id", _N), ("hs_object_source", _T),
        ("hs_object_source_id", _T), ("hs_object_source_label", _E), ("hs_object_source_detail_1", _T),
        ("hs_object_source_detail_2", _T), ("hs_object_source_detail_3", _T), ("hs_object_source_user_id", _N),
        ("hs_merged_object_ids", _E), ("hs_was_imported", _B), ("hs_is_contact", _B), ("hs_is_unworked", _B),
        ("hs_pipeline", _E), ("hs_calculated_form_submissions", _E), ("hs_calculated_merged_vids", _E),
        ("hs_calculated_mobile_number", _T), ("hs_calculated_phone_number", _T),
        ("hs_calculated_phone_number_area_code", _T), ("hs_calculated_phone_number_country_code", _T),
        ("hs_calculated_phone_number_region_code", _T), ("hs_searchable_calculated_phone_number", _T),
        ("hs_searchable_calculated_mobile_number", _T), ("hs_searchable_calculated_international_phone_number", _T),
        ("hs_searchable_calculated_international_mobile_number", _T), ("hs_first_engagement_object_id", _N),
        ("hs_time_to_first_engagement", _N), ("hs_predictivecontactscore_v2", _N), ("hs_predictivescoringtier", _E),
        ("hs_predictivecontactscorebucket", _E), ("hubspotscore", _N), ("hs_lastmodifieddate", _D),
        ("hs_object_from_address", _T), ("hs_associated_target_accounts", _N), ("hs_registered_member", _N),
        ("hs_unique_creation_key", _T), ("hs_user_ids_of_all_owners", _E), ("hs_user_ids_of_all_notification_followers", _E),
        ("hs_user_ids_of_all_notification_unfollowers", _E), ("hs_date_entered_lifecyclestage", _D),
        ("hs_is_enriched", _B), ("hs_last_metered_enrichment_timestamp", _D),
    ] + [(f"hs_lifecyclestage_{s}_date", _D) for s in ("evangelist", "other")]
      + [(f"hs_date_{moment}_{s}", _D) for moment in ("entered", "exited") for s in TRACKED_STAGES]
      + [(f"hs_time_in_{s}", _N) for s in TRACKED_STAGES]
      + [(f"hs_v2_date_{moment}_{s}", _D) for moment in ("entered", "exited") for s in TRACKED_STAGES]
      + [(f"hs_v2_{kind}_time_in_{s}", _N) for kind in ("latest", "cumulative") for s in TRACKED_STAGES]
      + [(f"hs_time_to_move_from_{s}_to_customer", _N) for s in TRACKED_STAGES[:5]],
    "analyticsinformation": [
        ("hs_analytics_first_timestamp", _D), ("hs_analytics_last_timestamp", _D),
        ("hs_analytics_first_visit_timestamp", _D), ("hs_analytics_last_visit_timestamp", _D),
        ("hs_analytics_first_url", _T), ("hs_analytics_last_url", _T), ("hs_analytics_first_referrer", _T),
        ("hs_analytics_last_referrer", _T), ("hs_analytics_num_event_completions", _N),
        ("hs_analytics_average_page_views", _N), ("hs_analytics_revenue", _N), ("hs_analytics_source_data_1", _T),
        ("hs_analytics_source_data_2", _T), ("hs_analytics_first_touch_converting_campaign", _T),
        ("hs_analytics_last_touch_converting_campaign", _T), ("hs_latest_source", _E),
        ("hs_latest_source_data_1", _T), ("hs_latest_source_data_2", _T), ("hs_latest_source_timestamp", _D),
        ("ip_city", _T), ("ip_state", _T), ("ip_state_code", _T), ("ip_country", _T), ("ip_country_code", _T),
        ("ip_zipcode", _T), ("hs_ip_timezone", _T), ("hs_document_last_revisited", _D),
        ("hs_clicked_linkedin_ad", _E), ("hs_social_facebook_clicks", _N), ("hs_social_linkedin_clicks", _N),
        ("hs_social_twitter_clicks", _N), ("hs_social_google_plus_clicks", _N),
        ("hs_social_num_broadcast_clicks", _N), ("hs_social_last_engagement", _D),
    ],
    "emailinformation": [
        ("hs_email_delivered", _N), ("hs_email_bounce", _N), ("hs_email_replied", _N),
        ("hs_email_first_open_date", _D), ("hs_email_last_open_date", _D), ("hs_email_first_click_date", _D),
        ("hs_email_last_click_date", _D), ("hs_email_first_send_date", _D), ("hs_email_last_send_date", _D),
        ("hs_email_first_reply_date", _D), ("hs_email_last_reply_date", _D), ("hs_email_last_email_name", _T),
        ("hs_email_sends_since_last_engagement", _N), ("hs_email_quarantined", _B),
        ("hs_email_quarantined_reason", _E), ("hs_email_hard_bounce_reason_enum", _E), ("hs_email_is_ineligible", _B),
        ("hs_emailconfirmationstatus", _E), ("hs_email_bad_address", _B), ("hs_email_customer_quarantined_reason", _E),
        ("hs_email_recipient_fatigue_recovery_time", _D),
    ],
    "conversioninformation": [
        ("first_conversion_event_name", _T), ("first_conversion_date", _D), ("recent_conversion_event_name", _T),
        ("recent_conversion_date", _D), ("num_unique_conversion_events", _N),
        ("hs_feedback_last_nps_rating", _E), ("hs_feedback_last_survey_date", _D),
    ],
    "sales_properties": [
        ("notes_last_updated", _D), ("num_contacted_notes", _N), ("num_notes", _N),
        ("hs_last_sales_activity_timestamp", _D), ("hs_last_sales_activity_date", _D),
        ("hs_last_sales_activity_type", _E), ("hs_sales_email_last_replied", _D), ("hs_sales_email_last_opened", _D),
        ("hs_sales_email_last_clicked", _D), ("hs_latest_meeting_activity", _D), ("hs_latest_sequence_enrolled", _N),
        ("hs_latest_sequence_enrolled_date", _D), ("hs_latest_sequence_ended_date", _D),
        ("hs_latest_sequence_finished_date", _D), ("hs_latest_sequence_unenrolled_date", _D),
        ("hs_sequences_enrolled_count", _N), ("hs_sequences_actively_enrolled_count", _N),
        ("hs_first_outreach_date", _D), ("hs_time_between_contact_creation_and_deal_creation", _N),
        ("hs_time_between_contact_creation_and_deal_close", _N), ("hs_lead_status_last_changed", _D),
    ],
    "deal_information": [
        ("num_associated_deals", _N), ("total_revenue", _N), ("recent_deal_amount", _N),
        ("recent_deal_close_date", _D), ("first_deal_created_date", _D), ("days_to_close", _N),
    ],
}
GROUPS = {"contactinformation": "Contact information", "analyticsinformation": "Web analytics history",
          "emailinformation": "Email information", "conversioninformation": "Conversion information",
          "sales_properties": "Sales properties", "deal_information": "Deal information"}


def default_contact_properties() -> list[tuple[str, str, str, str, bool]]:
    """(name, type, fieldType, group, calculated) for each default property the seed does not define."""
    rows = [(name, kind, field_type, group, False)
            for group, names in _EDITABLE.items() for name, (kind, field_type) in names.items()]
    rows += [(name, kind, field_type, group, True)
             for group, entries in _CALCULATED.items() for name, (kind, field_type) in entries]
    return rows


def label_of(name: str) -> str:
    return name.removeprefix("hs_").replace("_", " ").capitalize()
