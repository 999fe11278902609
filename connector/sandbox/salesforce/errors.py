"""Salesforce's error shape: a JSON *list* of {message, errorCode, fields} (simple-salesforce indexes [0])."""
from __future__ import annotations


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, fields: list[str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or []

    def body(self) -> list[dict]:
        return [{"message": self.message, "errorCode": self.code, "fields": self.fields}]

    def as_result(self, record_id: str | None) -> dict:
        """The per-record form used by sObject Collections."""
        return {"id": record_id, "success": False,
                "errors": [{"statusCode": self.code, "message": self.message, "fields": self.fields}]}


def not_found() -> ApiError:
    return ApiError(404, "NOT_FOUND", "The requested resource does not exist")


def invalid_field(name: str, object_name: str) -> ApiError:
    return ApiError(400, "INVALID_FIELD", f"No such column '{name}' on sobject of type {object_name}", [name])
