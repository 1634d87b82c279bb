using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SecurityConsole.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ReportArtifactChunks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "report_artifact_chunks",
                columns: table => new
                {
                    RunId = table.Column<Guid>(type: "uuid", nullable: false),
                    Index = table.Column<int>(type: "integer", nullable: false),
                    Data = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_report_artifact_chunks", x => new { x.RunId, x.Index });
                    table.ForeignKey(
                        name: "FK_report_artifact_chunks_report_artifacts_RunId",
                        column: x => x.RunId,
                        principalTable: "report_artifacts",
                        principalColumn: "RunId",
                        onDelete: ReferentialAction.Cascade);
                });

            // Stored out of line and uncompressed (ADR 0185): PDFs are compressed already, and compressing a large CSV's
            // pieces as they are stored cost about a second per 185 MB on 2 cores.
            migrationBuilder.Sql("""ALTER TABLE report_artifact_chunks ALTER COLUMN "Data" SET STORAGE EXTERNAL""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "report_artifact_chunks");
        }
    }
}
