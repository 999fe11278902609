"""Every table of the connector; import models from here."""
from .admin import AdminSession, AdminUser, ApiKey, AuditEvent
from .base import Base, InstallationOwned, utcnow
from .feedback import OutcomeEvent, OverrideFeedback
from .installation import Crm, Installation, InstallationStatus, StoredCredentials
from .lift import Experiment, ExperimentAssignment, RoiInputs
from .model_version import ModelVersion
from .nurture import ActionLog, CrmCatalog, NurtureRule
from .points_rules import PointsRuleSet
from .records import CurrentScore, RecordSnapshot, ScoreHistory
from .sync import SyncCursor, SyncKind, SyncRun, SyncStatus
from .webhook_receipt import WebhookReceipt

__all__ = [
    "ActionLog", "AdminSession", "AdminUser", "ApiKey", "AuditEvent", "Base", "Crm", "CrmCatalog", "CurrentScore",
    "Experiment", "ExperimentAssignment", "Installation", "InstallationOwned", "InstallationStatus", "ModelVersion",
    "NurtureRule", "OutcomeEvent", "OverrideFeedback", "PointsRuleSet", "RecordSnapshot", "RoiInputs", "ScoreHistory",
    "StoredCredentials", "SyncCursor", "SyncKind", "SyncRun", "SyncStatus", "WebhookReceipt", "utcnow",
]
