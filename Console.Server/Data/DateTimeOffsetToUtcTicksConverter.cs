using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace SecurityConsole.Server.Data;

/// <summary>Stores a DateTimeOffset as UTC ticks so that SQLite can sort and compare it.</summary>
public sealed class DateTimeOffsetToUtcTicksConverter()
    : ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks,
        v => new DateTimeOffset(v, TimeSpan.Zero));
