package io.driftdeploy.message;

/**
 * Links into the AWS console, so a notification takes its reader straight to the thing it is about.
 */
public final class ConsoleLink {

    private static final String UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private ConsoleLink() {
    }

    /** The alarm's page in the CloudWatch console of its region. */
    public static String alarm(String region, String alarmName) {
        return "https://" + region + ".console.aws.amazon.com/cloudwatch/home?region=" + region
                + "#alarmsV2:alarm/" + percentEncode(alarmName);
    }

    /**
     * RFC 3986 percent-encoding of everything but unreserved characters, as the console's own links
     * do (alarm names may hold spaces, slashes, '#' and non-ASCII text). Hand-written because the
     * message layer, like the policy, stays free of java.net.
     */
    static String percentEncode(String text) {
        StringBuilder encoded = new StringBuilder(text.length());
        text.codePoints().forEach(codePoint -> {
            if (codePoint < 0x80 && UNRESERVED.indexOf(codePoint) >= 0) {
                encoded.append((char) codePoint);
            } else {
                for (byte b : utf8(codePoint)) {
                    encoded.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
                }
            }
        });
        return encoded.toString();
    }

    private static byte[] utf8(int codePoint) {
        if (codePoint < 0x80) {
            return new byte[] {(byte) codePoint};
        }
        if (codePoint < 0x800) {
            return new byte[] {(byte) (0xC0 | codePoint >> 6), continuation(codePoint)};
        }
        if (codePoint < 0x10000) {
            return new byte[] {(byte) (0xE0 | codePoint >> 12), continuation(codePoint >> 6), continuation(codePoint)};
        }
        return new byte[] {(byte) (0xF0 | codePoint >> 18), continuation(codePoint >> 12),
                continuation(codePoint >> 6), continuation(codePoint)};
    }

    private static byte continuation(int bits) {
        return (byte) (0x80 | bits & 0x3F);
    }
}
