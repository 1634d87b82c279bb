using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SecurityConsole.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class KeyLifecycle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "IpAllowList",
                table: "api_keys",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LastUsedIp",
                table: "api_keys",
                type: "character varying(45)",
                maxLength: 45,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PendingSecret",
                table: "api_keys",
                type: "character varying(1024)",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "PredecessorId",
                table: "api_keys",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RateLimitPerMinute",
                table: "api_keys",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "RequestId",
                table: "api_keys",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "SuccessorId",
                table: "api_keys",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "api_key_requests",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    RequesterUserId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    Service = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Environment = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Scopes = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    LifetimeDays = table.Column<int>(type: "integer", nullable: false),
                    RateLimitPerMinute = table.Column<int>(type: "integer", nullable: true),
                    IpAllowList = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    AutoApproved = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    DecidedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DecidedByUserId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    DecisionComment = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    KeyId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_api_key_requests", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "api_key_usage",
                columns: table => new
                {
                    KeyId = table.Column<Guid>(type: "uuid", nullable: false),
                    Minute = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_api_key_usage", x => new { x.KeyId, x.Minute });
                });

            migrationBuilder.CreateIndex(
                name: "IX_api_keys_RequestId",
                table: "api_keys",
                column: "RequestId");

            migrationBuilder.CreateIndex(
                name: "IX_api_key_requests_RequesterUserId",
                table: "api_key_requests",
                column: "RequesterUserId");

            migrationBuilder.CreateIndex(
                name: "IX_api_key_requests_Status",
                table: "api_key_requests",
                column: "Status");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "api_key_requests");

            migrationBuilder.DropTable(
                name: "api_key_usage");

            migrationBuilder.DropIndex(
                name: "IX_api_keys_RequestId",
                table: "api_keys");

            migrationBuilder.DropColumn(
                name: "IpAllowList",
                table: "api_keys");

            migrationBuilder.DropColumn(
                name: "LastUsedIp",
                table: "api_keys");

            migrationBuilder.DropColumn(
                name: "PendingSecret",
                table: "api_keys");

            migrationBuilder.DropColumn(
                name: "PredecessorId",
                table: "api_keys");

            migrationBuilder.DropColumn(
                name: "RateLimitPerMinute",
                table: "api_keys");

            migrationBuilder.DropColumn(
                name: "RequestId",
                table: "api_keys");

            migrationBuilder.DropColumn(
                name: "SuccessorId",
                table: "api_keys");
        }
    }
}
