using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SecurityConsole.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ExceptionRejection : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "RejectedAt",
                table: "compliance_exceptions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RejectedBy",
                table: "compliance_exceptions",
                type: "TEXT",
                maxLength: 450,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RejectionReason",
                table: "compliance_exceptions",
                type: "TEXT",
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
