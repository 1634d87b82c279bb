using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Compliance;
using SecurityConsole.Server.Detection;
using SecurityConsole.Server.Events;
using SecurityConsole.Server.Keys;
using SecurityConsole.Server.Users;

namespace SecurityConsole.Server.Data;

/// <summary>
/// The console's one DbContext. Each provider has a subclass only so that it can carry its own
/// migrations (see <see cref="SqliteConsoleDbContext"/>, <see cref="PostgresConsoleDbContext"/>);
/// everything else injects this type.
/// </summary>
public abstract class ConsoleDbContext(DbContextOptions options)
    : IdentityDbContext<ConsoleUser, IdentityRole, string>(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<SetupToken> SetupTokens => Set<SetupToken>();
    public DbSet<Invitation> Invitations => Set<Invitation>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<KeyRequest> KeyRequests => Set<KeyRequest>();
    public DbSet<ApiKeyUsage> ApiKeyUsage => Set<ApiKeyUsage>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<AuditChainHead> AuditChainHead => Set<AuditChainHead>();
    public DbSet<AuditCheckpoint> AuditCheckpoints => Set<AuditCheckpoint>();
    public DbSet<AuditSecret> AuditSecrets => Set<AuditSecret>();
    public DbSet<AuditSubjectKey> AuditSubjectKeys => Set<AuditSubjectKey>();
    public DbSet<AuditRetentionSetting> AuditRetention => Set<AuditRetentionSetting>();
    public DbSet<AuditLegalHold> AuditLegalHolds => Set<AuditLegalHold>();
    public DbSet<ConsoleSetting> Settings => Set<ConsoleSetting>();
    public DbSet<SecurityEvent> SecurityEvents => Set<SecurityEvent>();
    public DbSet<DetectionBacklog> DetectionBacklog => Set<DetectionBacklog>();
    public DbSet<DetectionRule> DetectionRules => Set<DetectionRule>();
    public DbSet<RulesGeneration> RulesGeneration => Set<RulesGeneration>();
    public DbSet<Alert> Alerts => Set<Alert>();
    public DbSet<AlertNote> AlertNotes => Set<AlertNote>();
    public DbSet<AlertOccurrence> AlertOccurrences => Set<AlertOccurrence>();
    public DbSet<EntityBaseline> EntityBaselines => Set<EntityBaseline>();
    public DbSet<CheckState> ComplianceCheckStates => Set<CheckState>();
    public DbSet<ControlState> ComplianceControlStates => Set<ControlState>();
    public DbSet<EvidenceItem> ComplianceEvidence => Set<EvidenceItem>();
    public DbSet<Attestation> ComplianceAttestations => Set<Attestation>();
    public DbSet<ControlException> ComplianceExceptions => Set<ControlException>();
    public DbSet<AccessReview> AccessReviews => Set<AccessReview>();
    public DbSet<AccessReviewItem> AccessReviewItems => Set<AccessReviewItem>();

    /// <summary>The transaction the audit interceptor opened for a save that had none; committed or rolled back with it.</summary>
    internal Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? AuditTransaction { get; set; }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(ConsoleDbContext).Assembly);
    }
}

public sealed class SqliteConsoleDbContext(DbContextOptions<SqliteConsoleDbContext> options) : ConsoleDbContext(options)
{
    // SQLite cannot order or compare DateTimeOffset; store UTC ticks there. PostgreSQL keeps timestamptz.
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToUtcTicksConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToUtcTicksConverter>();
    }
}

public sealed class PostgresConsoleDbContext(DbContextOptions<PostgresConsoleDbContext> options) : ConsoleDbContext(options);
