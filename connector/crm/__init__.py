"""CRM adapters behind one interface (`base.CrmClient`), raising the errors in `errors`."""
