package io.driftdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TimeArgumentTest {

    private static final Instant NOW = Instant.parse("2025-06-12T10:00:00Z");
    private final TimeArgument time = new TimeArgument(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void readsUtcTimesNowAndAges() {
        assertThat(time.convert("2025-06-12T09:14:07Z")).isEqualTo(Instant.parse("2025-06-12T09:14:07Z"));
        assertThat(time.convert("now")).isEqualTo(NOW);
        assertThat(time.convert("-30m")).isEqualTo(Instant.parse("2025-06-12T09:30:00Z"));
        assertThat(time.convert("-2h")).isEqualTo(Instant.parse("2025-06-12T08:00:00Z"));
        assertThat(time.convert("-7d")).isEqualTo(Instant.parse("2025-06-05T10:00:00Z"));
    }

    @Test
    void anythingElseSaysWhatATimeLooksLike() {
        assertThatThrownBy(() -> time.convert("yesterday"))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("'yesterday' is not a time").hasMessageContaining("-2h");
        assertThatThrownBy(() -> time.convert("2025-06-12 09:14"))
                .isInstanceOf(CommandLine.TypeConversionException.class);
    }
}
