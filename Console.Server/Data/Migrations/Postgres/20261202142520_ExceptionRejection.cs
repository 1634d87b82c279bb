using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SecurityConsole.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ExceptionRejection : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "RejectedAt",
                table: "compliance_exceptions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RejectedBy",
                table: "compliance_exceptions",
                type: "character varying(450)",
                maxLength: 450,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RejectionReason",
                table: "compliance_exceptions",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RejectedAt",
                table: "compliance_exceptions");

            migrationBuilder.DropColumn(
                name: "RejectedBy",
                table: "compliance_exceptions");

            migrationBuilder.DropColumn(
                name: "RejectionReason",
                table: "compliance_exceptions");
        }
    }
}
