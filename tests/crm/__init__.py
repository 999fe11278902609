"""Tests for the CRM adapters."""
