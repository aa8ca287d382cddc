package io.driftdeploy.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AlarmConsoleLinkTest {

    @Test
    void linksToTheAlarmInItsRegion() {
        assertThat(ConsoleLink.alarm("eu-west-1", "config-drift-detected")).isEqualTo(
                "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/config-drift-detected");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "app blue/5xx #1|app%20blue%2F5xx%20%231",
            "a+b&c=d|a%2Bb%26c%3Dd",
            "caf\u00e9 \u20ac|caf%C3%A9%20%E2%82%AC",
            "rocket \ud83d\ude80|rocket%20%F0%9F%9A%80",
            "Keep-these_.~|Keep-these_.~",
    })
    void encodesEverythingButUnreservedCharacters(String name, String encoded) {
        assertThat(ConsoleLink.percentEncode(name)).isEqualTo(encoded);
    }

    @ParameterizedTest
    @ValueSource(strings = {"config-drift-detected", "\u00fcber/\u6f22\u5b57 \ud83d\ude80?x=1"})
    void decodesBackToTheName(String name) {
        String encoded = ConsoleLink.percentEncode(name);

        assertThat(encoded).matches("[A-Za-z0-9%._~-]*");
        assertThat(URLDecoder.decode(encoded, StandardCharsets.UTF_8)).isEqualTo(name);
    }
}
