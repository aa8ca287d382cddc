package io.driftdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Which commands a run gives picocli: only the one it names, else all of them. */
class MainTest {

    @Test
    void aRunThatNamesACommandGetsOnlyThatCommand() {
        assertThat(names(Main.commandsFor("invoke", "drift", "event.json", "--dry-run"))).containsExactly("invoke");
        assertThat(names(Main.commandsFor("status"))).containsExactly("status");
        assertThat(names(Main.commandsFor("clear-breaker", "--group", "web"))).as("an alias").containsExactly("resume");
    }

    @Test
    void everyCommandButHelpIsFoundByItsOwnName() {
        assertThat(Main.COMMANDS.get(0)).isEqualTo(new Main.Subcommand.Annotated(CommandLine.HelpCommand.class));
        for (Main.Subcommand command : Main.COMMANDS.subList(1, Main.COMMANDS.size())) {
            String name = command.names().get(0);
            assertThat(Main.commandsFor(name, "--help")).as(name).containsExactly(command);
        }
    }

    @Test
    void helpOptionsAndUnknownNamesGetEveryCommand() {
        for (List<String> args : List.of(List.<String>of(), List.of("help"), List.of("help", "invoke"), List.of("--help"),
                List.of("--version"), List.of("invok"), List.of("-h", "invoke"))) {
            assertThat(Main.commandsFor(args.toArray(String[]::new))).as(String.join(" ", args))
                    .containsExactlyElementsOf(Main.COMMANDS);
        }
    }

    @Test
    void everyCommandAnswersToTheNamesItsModelHas() {
        for (Main.Subcommand command : Main.COMMANDS) {
            CommandLine model = command.model();
            assertThat(command.names()).as(model.getCommandName())
                    .startsWith(model.getCommandName())
                    .containsAll(List.of(model.getCommandSpec().aliases()));
        }
    }

    private static List<String> names(List<Main.Subcommand> commands) {
        return commands.stream().map(command -> command.names().get(0)).toList();
    }
}
