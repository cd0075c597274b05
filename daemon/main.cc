// duban (督办): keeps self-built house safety campaigns on schedule.
// main parses the command line and hands over to one subcommand in app/.
#include <CLI/CLI.hpp>

#include "app/commands.h"

int main(int argc, char** argv) {
  CLI::App cli{"duban (督办): deadlines, reminders and escalation for self-built "
               "house safety campaigns"};
  cli.require_subcommand(1);
  int exit_code = 0;
  duban::app::AddServeCommand(cli, &exit_code);
  duban::app::AddCheckCommand(cli, &exit_code);
  duban::app::AddSimulateCommand(cli, &exit_code);
  duban::app::AddImportCommand(cli, &exit_code);
  duban::app::AddAuditCommand(cli, &exit_code);
  duban::app::AddTokenCommand(cli, &exit_code);
  duban::app::AddSilenceCommand(cli, &exit_code);
  duban::app::AddChannelCommand(cli, &exit_code);
  duban::app::AddSampleCommand(cli, &exit_code);
  duban::app::AddBackupCommand(cli, &exit_code);
  duban::app::AddExportCommand(cli, &exit_code);
  duban::app::AddVersionCommand(cli, &exit_code);
  CLI11_PARSE(cli, argc, argv);
  return exit_code;
}
