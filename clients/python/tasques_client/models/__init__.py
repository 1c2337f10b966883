""" Contains all the data models used in inputs/outputs """

from .admin_action import AdminAction
from .backfill_body import BackfillBody
from .backoff_body import BackoffBody
from .backoff_strategy import BackoffStrategy
from .bulk_body import BulkBody
from .bulk_query_body import BulkQueryBody
from .cancel_body import CancelBody
from .chord_body import ChordBody
from .claim_body import ClaimBody
from .data_body import DataBody
from .data_body_data_type_0 import DataBodyDataType0
from .error_body import ErrorBody
from .error_body_details_type_0 import ErrorBodyDetailsType0
from .finish_batch_body import FinishBatchBody
from .finish_item_body import FinishItemBody
from .finish_item_body_data_type_0 import FinishItemBodyDataType0
from .http_validation_error import HTTPValidationError
from .member_dead_policy import MemberDeadPolicy
from .new_pipeline_body import NewPipelineBody
from .new_push_worker_body import NewPushWorkerBody
from .new_recurring_body import NewRecurringBody
from .new_task_batch_body import NewTaskBatchBody
from .new_task_body import NewTaskBody
from .new_task_body_args_type_0 import NewTaskBodyArgsType0
from .new_task_body_context_type_0 import NewTaskBodyContextType0
from .outcome import Outcome
from .overlap_policy import OverlapPolicy
from .pipeline_kind import PipelineKind
from .pipeline_state import PipelineState
from .priority_body import PriorityBody
from .recurring_update_body import RecurringUpdateBody
from .report_body import ReportBody
from .report_body_checkpoint_type_0 import ReportBodyCheckpointType0
from .report_body_data_type_0 import ReportBodyDataType0
from .resume_body import ResumeBody
from .search_body import SearchBody
from .sort_order import SortOrder
from .task_definition_body import TaskDefinitionBody
from .task_definition_body_args_type_0 import TaskDefinitionBodyArgsType0
from .task_definition_body_context_type_0 import TaskDefinitionBodyContextType0
from .task_sort import TaskSort
from .task_state import TaskState
from .validation_error import ValidationError
from .validation_error_context import ValidationErrorContext
from .wire_admin_job import WireAdminJob
from .wire_aggregations import WireAggregations
from .wire_attempt import WireAttempt
from .wire_attempt_error_type_0 import WireAttemptErrorType0
from .wire_attempts import WireAttempts
from .wire_backfill_result import WireBackfillResult
from .wire_backoff import WireBackoff
from .wire_batch_item import WireBatchItem
from .wire_batch_result import WireBatchResult
from .wire_bulk_preview import WireBulkPreview
from .wire_cancellation import WireCancellation
from .wire_checkpoint import WireCheckpoint
from .wire_checkpoint_data import WireCheckpointData
from .wire_delivery_state import WireDeliveryState
from .wire_finish_item import WireFinishItem
from .wire_finish_result import WireFinishResult
from .wire_finished_per_minute import WireFinishedPerMinute
from .wire_health import WireHealth
from .wire_job_envelope import WireJobEnvelope
from .wire_last_claimed import WireLastClaimed
from .wire_leader_status import WireLeaderStatus
from .wire_metadata import WireMetadata
from .wire_minute_bucket import WireMinuteBucket
from .wire_minute_bucket_states import WireMinuteBucketStates
from .wire_percentiles import WirePercentiles
from .wire_pipeline import WirePipeline
from .wire_pipeline_member import WirePipelineMember
from .wire_pipeline_member_role import WirePipelineMemberRole
from .wire_push_worker import WirePushWorker
from .wire_queue import WireQueue
from .wire_queue_counts import WireQueueCounts
from .wire_queues import WireQueues
from .wire_recurring_task import WireRecurringTask
from .wire_report import WireReport
from .wire_report_data_type_0 import WireReportDataType0
from .wire_result import WireResult
from .wire_result_failure_type_0 import WireResultFailureType0
from .wire_result_success_type_0 import WireResultSuccessType0
from .wire_task import WireTask
from .wire_task_args_type_0 import WireTaskArgsType0
from .wire_task_context_type_0 import WireTaskContextType0
from .wire_task_definition import WireTaskDefinition
from .wire_task_definition_args_type_0 import WireTaskDefinitionArgsType0
from .wire_task_definition_context_type_0 import WireTaskDefinitionContextType0
from .wire_task_event import WireTaskEvent
from .wire_task_event_data_type_0 import WireTaskEventDataType0
from .wire_task_event_error_type_0 import WireTaskEventErrorType0
from .wire_task_page import WireTaskPage
from .wire_task_result import WireTaskResult
from .wire_task_result_failure_type_0 import WireTaskResultFailureType0
from .wire_task_result_success_type_0 import WireTaskResultSuccessType0
from .wire_task_trace_context_type_0 import WireTaskTraceContextType0
from .wire_terms import WireTerms
from .wire_terms_bucket import WireTermsBucket
from .wire_terms_bucket_states_type_0 import WireTermsBucketStatesType0
from .wire_throughput import WireThroughput
from .wire_timeline import WireTimeline
from .wire_timeline_minute import WireTimelineMinute
from .wire_timeline_minute_finished import WireTimelineMinuteFinished
from .wire_version import WireVersion
from .wire_version_info import WireVersionInfo

__all__ = (
    "AdminAction",
    "BackfillBody",
    "BackoffBody",
    "BackoffStrategy",
    "BulkBody",
    "BulkQueryBody",
    "CancelBody",
    "ChordBody",
    "ClaimBody",
    "DataBody",
    "DataBodyDataType0",
    "ErrorBody",
    "ErrorBodyDetailsType0",
    "FinishBatchBody",
    "FinishItemBody",
    "FinishItemBodyDataType0",
    "HTTPValidationError",
    "MemberDeadPolicy",
    "NewPipelineBody",
    "NewPushWorkerBody",
    "NewRecurringBody",
    "NewTaskBatchBody",
    "NewTaskBody",
    "NewTaskBodyArgsType0",
    "NewTaskBodyContextType0",
    "Outcome",
    "OverlapPolicy",
    "PipelineKind",
    "PipelineState",
    "PriorityBody",
    "RecurringUpdateBody",
    "ReportBody",
    "ReportBodyCheckpointType0",
    "ReportBodyDataType0",
    "ResumeBody",
    "SearchBody",
    "SortOrder",
    "TaskDefinitionBody",
    "TaskDefinitionBodyArgsType0",
    "TaskDefinitionBodyContextType0",
    "TaskSort",
    "TaskState",
    "ValidationError",
    "ValidationErrorContext",
    "WireAdminJob",
    "WireAggregations",
    "WireAttempt",
    "WireAttemptErrorType0",
    "WireAttempts",
    "WireBackfillResult",
    "WireBackoff",
    "WireBatchItem",
    "WireBatchResult",
    "WireBulkPreview",
    "WireCancellation",
    "WireCheckpoint",
    "WireCheckpointData",
    "WireDeliveryState",
    "WireFinishedPerMinute",
    "WireFinishItem",
    "WireFinishResult",
    "WireHealth",
    "WireJobEnvelope",
    "WireLastClaimed",
    "WireLeaderStatus",
    "WireMetadata",
    "WireMinuteBucket",
    "WireMinuteBucketStates",
    "WirePercentiles",
    "WirePipeline",
    "WirePipelineMember",
    "WirePipelineMemberRole",
    "WirePushWorker",
    "WireQueue",
    "WireQueueCounts",
    "WireQueues",
    "WireRecurringTask",
    "WireReport",
    "WireReportDataType0",
    "WireResult",
    "WireResultFailureType0",
    "WireResultSuccessType0",
    "WireTask",
    "WireTaskArgsType0",
    "WireTaskContextType0",
    "WireTaskDefinition",
    "WireTaskDefinitionArgsType0",
    "WireTaskDefinitionContextType0",
    "WireTaskEvent",
    "WireTaskEventDataType0",
    "WireTaskEventErrorType0",
    "WireTaskPage",
    "WireTaskResult",
    "WireTaskResultFailureType0",
    "WireTaskResultSuccessType0",
    "WireTaskTraceContextType0",
    "WireTerms",
    "WireTermsBucket",
    "WireTermsBucketStatesType0",
    "WireThroughput",
    "WireTimeline",
    "WireTimelineMinute",
    "WireTimelineMinuteFinished",
    "WireVersion",
    "WireVersionInfo",
)
