using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SecurityConsole.Server.Data.Migrations.Sqlite
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
                    RunId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Index = table.Column<int>(type: "INTEGER", nullable: false),
                    Data = table.Column<byte[]>(type: "BLOB", nullable: false)
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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "report_artifact_chunks");
        }
    }
}
