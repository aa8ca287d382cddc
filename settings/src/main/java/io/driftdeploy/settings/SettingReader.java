package io.driftdeploy.settings;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads settings from one source (the environment, CDK context) by their {@link Setting}
 * definition: default, type and range come from there, so every reader accepts the same values.
 * A value that does not fit fails with an {@link InvalidSettingException} naming the setting as
 * the source names it; a blank value of a setting that needs one is refused rather than replaced
 * by the default, so a typo never runs with a default silently.
 */
public final class SettingReader {

    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
    private static final Pattern PARENT_ID = Pattern.compile("r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}");
    private static final Pattern ORGANIZATION_ID = Pattern.compile("o-[a-z0-9]{10,32}");
    private static final Pattern ROLE_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");

    private final Function<Setting, Object> source;
    private final Function<Setting, String> nameOf;

    /**
     * @param source answers a setting with its raw value (a String, or a List from a JSON array) or null
     * @param nameOf how errors name a setting (its variable, or its context key)
     */
    public SettingReader(Function<Setting, Object> source, Function<Setting, String> nameOf) {
        this.source = source;
        this.nameOf = nameOf;
    }

    /** Reads the functions' settings from environment variables. */
    public static SettingReader environment(Function<String, String> environment) {
        return new SettingReader(
                setting -> setting.environmentVariable().map(environment).orElse(null),
                setting -> setting.environmentVariable().orElse(setting.name()));
    }

    /** Reads settings from CDK context, by context key. */
    public static SettingReader context(Function<String, Object> context) {
        return new SettingReader(
                setting -> setting.contextKey().map(context).orElse(null),
                setting -> setting.contextKey().orElse(setting.name()));
    }

    /** A single-valued setting (text, tag, tag key, choice, integer or boolean) as text, default applied. */
    public String text(Setting setting) {
        return optionalText(setting).orElseThrow(() -> invalid(setting, "is required but not set"));
    }

    /** A single-valued setting as text, or empty when it is absent and has no default. */
    public Optional<String> optionalText(Setting setting) {
        Object raw = source.apply(setting);
        if (raw == null) {
            return setting.defaultValue();
        }
        String value = raw.toString().trim();
        if (value.isEmpty()) {
            if (setting.type().kind() == Type.Kind.OPTIONAL_TEXT) {
                return Optional.empty();
            }
            throw invalid(setting, setting.defaultValue()
                    .map(fallback -> "must not be empty (leave it unset for the default, " + fallback + ")")
                    .orElse("is required but not set"));
        }
        check(setting, value);
        Type.Kind kind = setting.type().kind();
        return Optional.of(kind == Type.Kind.CHOICE || kind == Type.Kind.BOOLEAN ? value.toLowerCase(Locale.ROOT) : value);
    }

    public int integer(Setting setting) {
        requireKind(setting, Type.Kind.INTEGER);
        return Integer.parseInt(text(setting));
    }

    public boolean bool(Setting setting) {
        requireKind(setting, Type.Kind.BOOLEAN);
        return Boolean.parseBoolean(text(setting));
    }

    /** A list: a comma-separated string, or a JSON array in cdk.json; blanks dropped. */
    public List<String> list(Setting setting) {
        Type.Kind kind = setting.type().kind();
        if (kind != Type.Kind.LIST && kind != Type.Kind.ACCOUNTS && kind != Type.Kind.ORGANIZATION_UNITS) {
            throw new IllegalStateException(setting + " is not a list");
        }
        Object raw = source.apply(setting);
        if (raw == null) {
            return List.of();
        }
        List<String> items = raw instanceof List<?> values
                ? values.stream().map(String::valueOf).toList()
                : Arrays.asList(raw.toString().split(","));
        List<String> trimmed = items.stream().map(String::trim).filter(item -> !item.isEmpty()).toList();
        if (kind == Type.Kind.ACCOUNTS) {
            for (String account : trimmed) {
                if (!ACCOUNT_ID.matcher(account).matches()) {
                    throw invalid(setting, "'" + shortened(account) + "' is not a 12-digit AWS account id");
                }
            }
        }
        if (kind == Type.Kind.ORGANIZATION_UNITS) {
            for (String parent : trimmed) {
                if (!PARENT_ID.matcher(parent).matches()) {
                    throw invalid(setting, "'" + shortened(parent) + "' is not an organization unit id (ou-...) or root id (r-...)");
                }
            }
        }
        return trimmed;
    }

    /**
     * The setting in the form the functions read from their environment (lists comma-separated),
     * or empty when it has no value: what the CDK app passes on.
     */
    public Optional<String> asEnvironmentValue(Setting setting) {
        return switch (setting.type().kind()) {
            case LIST, ACCOUNTS, ORGANIZATION_UNITS -> {
                List<String> items = list(setting);
                yield items.isEmpty() ? Optional.empty() : Optional.of(String.join(",", items));
            }
            default -> optionalText(setting);
        };
    }

    private void check(Setting setting, String value) {
        Type type = setting.type();
        switch (type.kind()) {
            case INTEGER -> {
                int parsed;
                try {
                    parsed = Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    throw invalid(setting, "must be a whole number, got '" + shortened(value) + "'");
                }
                if (parsed < setting.min() || parsed > setting.max()) {
                    throw invalid(setting, "must be between " + setting.min() + " and " + setting.max() + ", got " + parsed);
                }
            }
            case BOOLEAN -> {
                String lower = value.toLowerCase(Locale.ROOT);
                if (!lower.equals("true") && !lower.equals("false")) {
                    throw invalid(setting, "must be true or false, got '" + shortened(value) + "'");
                }
            }
            case CHOICE -> {
                if (!type.choices().contains(value.toLowerCase(Locale.ROOT))) {
                    throw invalid(setting, "must be one of " + type.choices() + ", got '" + shortened(value) + "'");
                }
            }
            case ACCOUNT -> {
                if (!ACCOUNT_ID.matcher(value).matches()) {
                    throw invalid(setting, "'" + shortened(value) + "' is not a 12-digit AWS account id");
                }
            }
            case ORGANIZATION_ID -> {
                if (!ORGANIZATION_ID.matcher(value).matches()) {
                    throw invalid(setting, "'" + shortened(value) + "' is not an organization id (o- and 10 to 32 letters or digits)");
                }
            }
            case ROLE_NAME -> {
                if (!ROLE_NAME.matcher(value).matches()) {
                    throw invalid(setting, "'" + shortened(value) + "' is not an IAM role name (1 to 64 letters, digits or +=,.@_-)");
                }
            }
            case TAG_KEY -> checkTagKey(setting, value);
            case TAG -> {
                int equals = value.indexOf('=');
                if (equals <= 0 || equals == value.length() - 1) {
                    throw invalid(setting, "must be key=value, got '" + shortened(value) + "'");
                }
                checkTagKey(setting, value.substring(0, equals).trim());
                if (value.length() - equals - 1 > Type.TAG_VALUE_MAX) {
                    throw invalid(setting, "tag value must be at most " + Type.TAG_VALUE_MAX + " characters");
                }
            }
            default -> {
                // TEXT and OPTIONAL_TEXT: any non-blank text.
            }
        }
    }

    private void checkTagKey(Setting setting, String key) {
        if (key.isEmpty() || key.length() > Type.TAG_KEY_MAX) {
            throw invalid(setting, "tag key must be 1 to " + Type.TAG_KEY_MAX + " characters, got '" + shortened(key) + "'");
        }
    }

    private static void requireKind(Setting setting, Type.Kind kind) {
        if (setting.type().kind() != kind) {
            throw new IllegalStateException(setting + " is not of kind " + kind);
        }
    }

    private InvalidSettingException invalid(Setting setting, String problem) {
        return new InvalidSettingException(nameOf.apply(setting), problem);
    }

    /** Echoes at most a short prefix of a bad value, so an error message stays one readable line. */
    static String shortened(String value) {
        int limit = 64;
        return value.length() <= limit ? value : value.substring(0, limit) + "… (" + value.length() + " characters)";
    }
}
