package io.driftdeploy.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/settings.md carries the table of every setting, rendered from {@link Setting}; this test
 * fails when they disagree. Regenerate the table with
 * {@code mvn -B -pl settings test -Dsettings.writeDocs=true}.
 */
class SettingsDocumentTest {

    private static final String BEGIN = "<!-- settings table: generated from io.driftdeploy.settings.Setting -->";
    private static final String END = "<!-- end of settings table -->";

    @Test
    void theDocumentedTableIsTheDefinition() throws IOException {
        Path document = Path.of(System.getProperty("driftdeploy.repoRoot", "..")).resolve("docs/settings.md");
        String text = Files.readString(document);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        assertThat(begin).as("docs/settings.md has the marker " + BEGIN).isNotNegative();
        assertThat(end).as("docs/settings.md has the marker " + END).isGreaterThan(begin);
        String expected = text.substring(0, begin + BEGIN.length()) + "\n" + table() + text.substring(end);
        if (Boolean.getBoolean("settings.writeDocs")) {
            Files.writeString(document, expected);
            text = expected;
        }
        assertThat(text)
                .as("docs/settings.md is out of date: mvn -B -pl settings test -Dsettings.writeDocs=true")
                .isEqualTo(expected);
    }

    static String table() {
        String header = "| context key | environment variable | default | allowed | meaning |\n"
                + "|---|---|---|---|---|\n";
        return header + Stream.of(Setting.values()).map(SettingsDocumentTest::row).collect(Collectors.joining("\n")) + "\n";
    }

    private static String row(Setting setting) {
        String context = setting.contextKey().map(key -> "`" + key + "`").orElse("—");
        String variable = setting.environmentVariable().map(name -> "`" + name + "`"
                + switch (setting.variable()) {
                    case SET_BY_STACK -> " (set by the stack)";
                    case FROM_ENVIRONMENT_ONLY -> " (not set by the stack)";
                    default -> "";
                }).orElse("—");
        String fallback = setting.defaultValue().map(value -> "`" + value + "`").orElse("(none)");
        return "| " + context + " | " + variable + " | " + fallback + " | " + allowed(setting) + " | "
                + setting.meaning() + " |";
    }

    private static String allowed(Setting setting) {
        Type type = setting.type();
        return switch (type.kind()) {
            case TEXT -> "text";
            case OPTIONAL_TEXT -> "text, may be empty";
            case TAG_KEY -> "tag key (1-128 characters)";
            case TAG -> "`key=value` tag";
            case LIST -> "comma list (JSON array in cdk.json)";
            case ACCOUNT -> "12-digit account id";
            case ACCOUNTS -> "comma list of 12-digit account ids";
            case ORGANIZATION_UNITS -> "comma list of organization unit ids (`ou-...`) or the root id (`r-...`)";
            case ORGANIZATION_ID -> "organization id (`o-...`)";
            case ROLE_NAME -> "IAM role name (1-64 characters)";
            case INTEGER -> setting.min() + " to " + String.format(java.util.Locale.ROOT, "%,d", setting.max());
            case BOOLEAN -> "`true` or `false`";
            case CHOICE -> type.choices().stream().map(choice -> "`" + choice + "`").collect(Collectors.joining(" or "));
        };
    }
}
