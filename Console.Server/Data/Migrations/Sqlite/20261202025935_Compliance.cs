using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SecurityConsole.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Compliance : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "compliance_access_reviews",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    StartedBy = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    FinishedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FinishedBy = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_compliance_access_reviews", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "compliance_attestations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ControlId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Statement = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    AttestedBy = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    AttestedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ValidUntil = table.Column<long>(type: "INTEGER", nullable: false),
                    EvidenceId = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_compliance_attestations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "compliance_check_states",
                columns: table => new
                {
                    CheckId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    EvaluatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Error = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    LastGoodStatus = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    LastGoodAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Passing = table.Column<int>(type: "INTEGER", nullable: false),
                    Failing = table.Column<int>(type: "INTEGER", nullable: false),
                    Rows = table.Column<string>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_compliance_check_states", x => x.CheckId);
                });

            migrationBuilder.CreateTable(
                name: "compliance_control_states",
                columns: table => new
                {
                    ControlId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ChangedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_compliance_control_states", x => x.ControlId);
                });

            migrationBuilder.CreateTable(
                name: "compliance_evidence",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    PreviousStatus = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    EffectiveFrom = table.Column<long>(type: "INTEGER", nullable: false),
                    EffectiveTo = table.Column<long>(type: "INTEGER", nullable: true),
                    Payload = table.Column<string>(type: "TEXT", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    AuditSequence = table.Column<long>(type: "INTEGER", nullable: true),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Content = table.Column<byte[]>(type: "BLOB", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_compliance_evidence", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "compliance_exceptions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ControlId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Scope = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    RequestedBy = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    RequestedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ApprovedBy = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    ApprovedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_compliance_exceptions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "compliance_access_review_items",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ReviewId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ResourceId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    Label = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Grants = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    Decision = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    DecidedBy = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_compliance_access_review_items", x => x.Id);
                    table.ForeignKey(
                        name: "FK_compliance_access_review_items_compliance_access_reviews_ReviewId",
                        column: x => x.ReviewId,
                        principalTable: "compliance_access_reviews",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_compliance_access_review_items_ReviewId",
                table: "compliance_access_review_items",
                column: "ReviewId");

            migrationBuilder.CreateIndex(
                name: "IX_compliance_attestations_ControlId_ValidUntil",
                table: "compliance_attestations",
                columns: new[] { "ControlId", "ValidUntil" });

            migrationBuilder.CreateIndex(
                name: "IX_compliance_evidence_At",
                table: "compliance_evidence",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_compliance_evidence_Kind_Subject_At",
                table: "compliance_evidence",
                columns: new[] { "Kind", "Subject", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_compliance_exceptions_ControlId_Status",
                table: "compliance_exceptions",
                columns: new[] { "ControlId", "Status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "compliance_access_review_items");

            migrationBuilder.DropTable(
                name: "compliance_attestations");

            migrationBuilder.DropTable(
                name: "compliance_check_states");

            migrationBuilder.DropTable(
                name: "compliance_control_states");

            migrationBuilder.DropTable(
                name: "compliance_evidence");

            migrationBuilder.DropTable(
                name: "compliance_exceptions");

            migrationBuilder.DropTable(
                name: "compliance_access_reviews");
        }
    }
}
