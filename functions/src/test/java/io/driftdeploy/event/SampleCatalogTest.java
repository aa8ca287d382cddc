package io.driftdeploy.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every sample in {@code events/} is catalogued, and parses (or is rejected) as the catalog says. */
class SampleCatalogTest {

    static List<EventSamples.Entry> catalog() {
        return EventSamples.catalog();
    }

    @ParameterizedTest
    @MethodSource("catalog")
    void parsesWithItsFunctionsParserOrIsRejectedOnTheCataloguedField(EventSamples.Entry entry) {
        byte[] event = EventSamples.bytes(entry.file());
        var parser = EventSamples.parserOf(entry.function());
        if (entry.invalidField().isPresent()) {
            assertThatThrownBy(() -> parser.apply(event))
                    .isInstanceOfSatisfying(InvalidEventException.class,
                            e -> assertThat(e.field()).isEqualTo(entry.invalidField().get()));
        } else {
            assertThat(parser.apply(event)).isNotNull();
        }
    }

    @ParameterizedTest
    @MethodSource("catalog")
    void entryIsConsistent(EventSamples.Entry entry) {
        assertThat(entry.file()).startsWith(entry.function() + "/");
        assertThat(entry.delivery()).isIn("eventbridge", "sns");
        assertThat(entry.rule()).isIn("drift", "images", "refreshes", "alarms", "none");
        assertThat(entry.rule()).as("a rule that matches delivers to its own function")
                .isIn(entry.function(), "none");
        assertThat(entry.description()).isNotBlank();
        if (entry.delivery().equals("sns") || entry.invalidField().isPresent()) {
            assertThat(entry.rule()).as("no EventBridge rule may match it").isEqualTo("none");
        }
    }

    @Test
    void catalogListsEverySampleExactlyOnce() throws IOException {
        Path events = EventSamples.eventsDir();
        List<String> onDisk;
        try (Stream<Path> files = Files.walk(events)) {
            onDisk = files.filter(file -> file.toString().endsWith(".json"))
                    .map(file -> events.relativize(file).toString().replace('\\', '/'))
                    .filter(file -> !file.equals("catalog.json"))
                    .toList();
        }
        List<String> catalogued = catalog().stream().map(EventSamples.Entry::file).toList();
        assertThat(catalogued).doesNotHaveDuplicates();
        assertThat(catalogued).containsExactlyInAnyOrderElementsOf(onDisk);
    }
}
