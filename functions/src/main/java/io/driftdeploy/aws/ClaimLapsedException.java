package io.driftdeploy.aws;

/**
 * A write conditional on the attempt still holding its claim found the claim another attempt's:
 * the attempt outlived its deadline and was taken over. Nothing was written.
 */
public final class ClaimLapsedException extends IllegalStateException {

    public ClaimLapsedException(String message) {
        super(message);
    }
}
