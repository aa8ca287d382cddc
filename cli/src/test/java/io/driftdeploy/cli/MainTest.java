package io.driftdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Which commands a run gives picocli: only the one it names, else all of them. */
class MainTest {

    @Test
    void aRunThatNamesACommandGetsOnlyThatCommand() {
        assertThat(Main.commandsFor("invoke", "drift", "event.json", "--dry-run")).containsExactly(InvokeCommand.class);
        assertThat(Main.commandsFor("status")).containsExactly(StatusCommand.class);
        assertThat(Main.commandsFor("clear-breaker", "--group", "web")).as("an alias").containsExactly(ResumeCommand.class);
    }

    @Test
    void everyCommandButHelpIsFoundByItsOwnName() {
        assertThat(Main.COMMANDS.get(0)).isEqualTo(CommandLine.HelpCommand.class);
        for (Class<?> command : Main.COMMANDS.subList(1, Main.COMMANDS.size())) {
            String name = command.getAnnotation(CommandLine.Command.class).name();
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
}
