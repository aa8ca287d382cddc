package io.driftdeploy.event;

/**
 * An event that cannot be acted on: not JSON, not the kind the function handles, or missing or
 * malformed in one field. Handlers report it and take no action.
 */
public final class InvalidEventException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String field;
    private final String problem;

    /**
     * @param field JSON path of the offending field, e.g. {@code detail.resourceType}, or {@code $}
     *     for the document itself
     * @param problem what is wrong with it, e.g. {@code expected AWS::EC2::Instance, got AWS::S3::Bucket}
     */
    public InvalidEventException(String field, String problem) {
        super("invalid event: " + field + ": " + problem);
        this.field = field;
        this.problem = problem;
    }

    /** JSON path of the offending field; {@code $} for the whole document. */
    public String field() {
        return field;
    }

    /** What is wrong with the field. */
    public String problem() {
        return problem;
    }
}
