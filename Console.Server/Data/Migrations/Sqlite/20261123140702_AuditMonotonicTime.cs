using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SecurityConsole.Server.Data.Migrations.Sqlite
{
    /// <summary>
    /// The chain head carries the last entry's time: from now on an entry's time is never earlier than the one before it,
    /// so that a time range is a sequence range (docs/decisions/0004-audit-hash-chain.md). An existing trail starts from
    /// its latest time; its own entries keep the times they were hashed with.
    /// </summary>
    public partial class AuditMonotonicTime : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "LastTime",
                table: "audit_chain_head",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.UpdateData(
                table: "audit_chain_head",
                keyColumn: "Id",
                keyValue: 1,
                column: "LastTime",
                value: null);

            migrationBuilder.Sql("""UPDATE "audit_chain_head" SET "LastTime" = (SELECT MAX("Time") FROM "audit_entries") WHERE "Id" = 1;""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LastTime",
                table: "audit_chain_head");
        }
    }
}
