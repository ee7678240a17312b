"""All ORM models, imported here so Alembic and the mappers see every table."""

from creative_hub.models.api_key import ApiKey
from creative_hub.models.asset import Asset
from creative_hub.models.conversation import Conversation
from creative_hub.models.enums import (
    MessageRole,
    MessageStatus,
    TaskStatus,
    TaskType,
    WorkflowStatus,
    WorkflowStep,
)
from creative_hub.models.message import Message
from creative_hub.models.provider import ProviderRecord
from creative_hub.models.refresh_token import RefreshToken
from creative_hub.models.task import Task
from creative_hub.models.task_count import TaskCount
from creative_hub.models.usage_record import UsageRecord
from creative_hub.models.user import User
from creative_hub.models.web_session import WebSession
from creative_hub.models.workflow import Workflow

__all__ = [
    "ApiKey",
    "Asset",
    "Conversation",
    "Message",
    "MessageRole",
    "MessageStatus",
    "ProviderRecord",
    "RefreshToken",
    "Task",
    "TaskCount",
    "TaskStatus",
    "TaskType",
    "UsageRecord",
    "User",
    "WebSession",
    "Workflow",
    "WorkflowStatus",
    "WorkflowStep",
]
