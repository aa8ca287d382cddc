package io.driftdeploy.settings;

import java.util.List;

/**
 * What values a setting allows. Tag keys and values are bounded as AWS bounds them (a key at most
 * 128 characters, a value at most 256: "Tag", Amazon EC2 Auto Scaling API Reference).
 */
public record Type(Kind kind, List<String> choices) {

    public enum Kind {
        TEXT, OPTIONAL_TEXT, TAG_KEY, TAG, LIST, ACCOUNT, ACCOUNTS, ORGANIZATION_UNITS, ORGANIZATION_ID, ROLE_NAME,
        INTEGER, BOOLEAN, CHOICE
    }

    public static final Type TEXT = new Type(Kind.TEXT, List.of());
    public static final Type OPTIONAL_TEXT = new Type(Kind.OPTIONAL_TEXT, List.of());
    public static final Type TAG_KEY = new Type(Kind.TAG_KEY, List.of());
    public static final Type TAG = new Type(Kind.TAG, List.of());
    public static final Type LIST = new Type(Kind.LIST, List.of());
    /** One 12-digit AWS account id. */
    public static final Type ACCOUNT = new Type(Kind.ACCOUNT, List.of());
    public static final Type ACCOUNTS = new Type(Kind.ACCOUNTS, List.of());
    /**
     * Organization unit ids ({@code ou-...}) or a root id ({@code r-...}), as the Organizations API
     * Reference's ParentId pattern allows ("ListAccountsForParent", "ListParents").
     */
    public static final Type ORGANIZATION_UNITS = new Type(Kind.ORGANIZATION_UNITS, List.of());
    /** An organization id, {@code o-} and 10 to 32 letters or digits ("Organization", Organizations API Reference). */
    public static final Type ORGANIZATION_ID = new Type(Kind.ORGANIZATION_ID, List.of());
    /** An IAM role name: 1 to 64 of letters, digits and {@code +=,.@_-} ("CreateRole", IAM API Reference). */
    public static final Type ROLE_NAME = new Type(Kind.ROLE_NAME, List.of());
    public static final Type INTEGER = new Type(Kind.INTEGER, List.of());
    public static final Type BOOLEAN = new Type(Kind.BOOLEAN, List.of());

    static final int TAG_KEY_MAX = 128;
    static final int TAG_VALUE_MAX = 256;

    public static Type choice(String... choices) {
        return new Type(Kind.CHOICE, List.of(choices));
    }
}
