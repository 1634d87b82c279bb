using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SecurityConsole.Server.Data.Migrations.Sqlite
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
                type: "TEXT",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LastUsedIp",
                table: "api_keys",
                type: "TEXT",
                maxLength: 45,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PendingSecret",
                table: "api_keys",
                type: "TEXT",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "PredecessorId",
                table: "api_keys",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RateLimitPerMinute",
                table: "api_keys",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "RequestId",
                table: "api_keys",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "SuccessorId",
                table: "api_keys",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "api_key_requests",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RequesterUserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    Service = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Environment = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Scopes = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    LifetimeDays = table.Column<int>(type: "INTEGER", nullable: false),
                    RateLimitPerMinute = table.Column<int>(type: "INTEGER", nullable: true),
                    IpAllowList = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    AutoApproved = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DecidedByUserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    DecisionComment = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    KeyId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_api_key_requests", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "api_key_usage",
                columns: table => new
                {
                    KeyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Minute = table.Column<long>(type: "INTEGER", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
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
