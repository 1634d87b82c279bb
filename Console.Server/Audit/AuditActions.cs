namespace SecurityConsole.Server.Audit;

/// <summary>
/// Every audit action the console records, in one list: what the audit search's action filter, the compliance checks
/// and the reports match on. Record with these, never with a string written at the call site; a new action is a new
/// line here (docs/architecture.md, "How it writes audit").
/// </summary>
public static class AuditActions
{
    public const string AlertAcknowledged = "alert.acknowledged";
    public const string AlertAssigned = "alert.assigned";
    public const string AlertFalsePositive = "alert.false_positive";
    public const string AlertNoteAdded = "alert.note_added";
    public const string AlertRaised = "alert.raised";
    public const string AlertReopened = "alert.reopened";
    public const string AlertResolved = "alert.resolved";
    public const string AlertUnassigned = "alert.unassigned";

    public const string AuditChainVerified = "audit.chain_verified";
    public const string AuditExported = "audit.exported";
    public const string AuditLegalHoldLifted = "audit.legal_hold_lifted";
    public const string AuditLegalHoldPlaced = "audit.legal_hold_placed";
    public const string AuditPiiRevealed = "audit.pii_revealed";
    public const string AuditRetentionApplied = "audit.retention_applied";
    public const string AuditRetentionChanged = "audit.retention_changed";
    public const string AuditSubjectErased = "audit.subject_erased";

    public const string ComplianceAccessReviewDecided = "compliance.access_review_decided";
    public const string ComplianceAccessReviewFinished = "compliance.access_review_finished";
    public const string ComplianceAccessReviewStarted = "compliance.access_review_started";
    public const string ComplianceAttested = "compliance.attested";
    public const string ComplianceExceptionApproved = "compliance.exception_approved";
    public const string ComplianceExceptionRequested = "compliance.exception_requested";
    public const string ComplianceExceptionRejected = "compliance.exception_rejected";
    public const string ComplianceFileAttached = "compliance.file_attached";
    public const string ComplianceFrameworkDisabled = "compliance.framework_disabled";
    public const string ComplianceFrameworkEnabled = "compliance.framework_enabled";
    public const string CompliancePackExported = "compliance.pack_exported";
    public const string ComplianceParametersChanged = "compliance.parameters_changed";
    public const string ComplianceStatusChanged = "compliance.status_changed";

    public const string DemoSeeded = "demo.seeded";

    public const string DetectionEventsPurged = "detection.events_purged";
    public const string DetectionRuleCreated = "detection.rule_created";
    public const string DetectionRuleDeleted = "detection.rule_deleted";
    public const string DetectionRuleUpdated = "detection.rule_updated";
    public const string DetectionRulesSeeded = "detection.rules_seeded";

    public const string KeyDisabled = "key.disabled";
    public const string KeyEnabled = "key.enabled";
    public const string KeyIssued = "key.issued";
    public const string KeyLeakReported = "key.leak_reported";
    public const string KeyPickedUp = "key.picked_up";
    public const string KeyPolicyChanged = "key.policy_changed";
    public const string KeyRequestApproved = "key.request_approved";
    public const string KeyRequestRejected = "key.request_rejected";
    public const string KeyRequested = "key.requested";
    public const string KeyRevoked = "key.revoked";
    public const string KeyRotated = "key.rotated";
    public const string KeyRotationDue = "key.rotation_due";

    public const string ReportArtifactsExpired = "report.artifacts_expired";
    public const string ReportCancelled = "report.cancelled";
    public const string ReportDelivered = "report.delivered";
    public const string ReportDeliveryFailed = "report.delivery_failed";
    public const string ReportDeliverySkipped = "report.delivery_skipped";
    public const string ReportDownloaded = "report.downloaded";
    public const string ReportGenerated = "report.generated";
    public const string ReportRequested = "report.requested";

    public const string ReportScheduleCreated = "report_schedule.created";
    public const string ReportScheduleDeleted = "report_schedule.deleted";
    public const string ReportScheduleSkipped = "report_schedule.skipped";
    public const string ReportScheduleUpdated = "report_schedule.updated";

    public const string ReportTemplateCreated = "report_template.created";
    public const string ReportTemplateDraftSaved = "report_template.draft_saved";
    public const string ReportTemplatePublished = "report_template.published";
    public const string ReportTemplateRolledBack = "report_template.rolled_back";

    public const string SetupCompleted = "setup.completed";
    public const string SetupLinkIssued = "setup.link_issued";

    public const string SignInFailed = "signin.failed";
    public const string SignInLockedOut = "signin.locked_out";
    public const string SignInSucceeded = "signin.succeeded";

    public const string SignOut = "signout";

    public const string UserCreated = "user.created";
    public const string UserInvitationAccepted = "user.invitation_accepted";
    public const string UserInvitationRevoked = "user.invitation_revoked";
    public const string UserInvited = "user.invited";
    public const string UserLocked = "user.locked";
    public const string UserRolesChanged = "user.roles_changed";
    public const string UserUnlocked = "user.unlocked";
}
