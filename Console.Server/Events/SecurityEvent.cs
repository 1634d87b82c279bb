using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SecurityConsole.Server.Events;

/// <summary>
/// One security event, from a service or from the console itself. Written by Detection's <c>SecurityEventWriter</c>
/// only (binary COPY on PostgreSQL); the same object then travels to the detection pipeline.
/// </summary>
public sealed class SecurityEvent
{
    public long Id { get; set; }
    public DateTimeOffset Time { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public required string Type { get; set; }

    /// <summary>The service that reported it, or "console".</summary>
    public required string Source { get; set; }
    public string? Actor { get; set; }
    public string? KeyPrefix { get; set; }
    public string? SourceIp { get; set; }
    public required string Outcome { get; set; }

    /// <summary>A JSON object, as sent.</summary>
    public string? Attributes { get; set; }

    /// <summary>The API key that sent the event (null for the console's own).</summary>
    public Guid? SenderKeyId { get; set; }

    /// <summary>The entity of this kind the event is about, or null.</summary>
    public string? Entity(string kind) => kind switch
    {
        Shared.Detection.EntityKinds.Key => KeyPrefix,
        Shared.Detection.EntityKinds.User => Actor,
        Shared.Detection.EntityKinds.Ip => SourceIp,
        Shared.Detection.EntityKinds.Service => Source,
        _ => null,
    };

    /// <summary>A top-level string attribute, read without building a document.</summary>
    public string? Attribute(string name)
    {
        if (Attributes is null)
        {
            return null;
        }
        var reader = new System.Text.Json.Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(Attributes));
        if (!reader.Read() || reader.TokenType != System.Text.Json.JsonTokenType.StartObject)
        {
            return null;
        }
        while (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(name);
            reader.Read();
            if (match)
            {
                return reader.TokenType == System.Text.Json.JsonTokenType.String ? reader.GetString() : null;
            }
            reader.Skip();
        }
        return null;
    }
}

internal sealed class SecurityEventConfiguration : IEntityTypeConfiguration<SecurityEvent>
{
    public void Configure(EntityTypeBuilder<SecurityEvent> b)
    {
        b.ToTable("security_events");
        b.HasKey(e => e.Id);
        b.Property(e => e.Type).HasMaxLength(64);
        b.Property(e => e.Source).HasMaxLength(128);
        b.Property(e => e.Actor).HasMaxLength(256);
        b.Property(e => e.KeyPrefix).HasMaxLength(32);
        b.Property(e => e.SourceIp).HasMaxLength(45);
        b.Property(e => e.Outcome).HasMaxLength(16);
        b.Property(e => e.Attributes).HasMaxLength(8192);
        // Each index serves a query: the timeline and retention (Time), type filters, and one entity's activity.
        b.HasIndex(e => e.Time);
        b.HasIndex(e => new { e.Type, e.Time });
        b.HasIndex(e => new { e.Actor, e.Time });
        b.HasIndex(e => new { e.KeyPrefix, e.Time });
        b.HasIndex(e => new { e.SourceIp, e.Time });
    }
}
