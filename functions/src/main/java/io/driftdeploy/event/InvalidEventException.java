package io.driftdeploy.event;

/**
 * An event that cannot be acted on: not JSON, not the kind the function handles, or missing or
 * malformed in one field. Handlers report it and take no action.
 */
public final class InvalidEventException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    /**
     * Field paths contain the event's own keys (a dimension name) and problems parser messages:
     * both are echoed in the rejection's notification and log line, so both stay short and on one line.
     */
    private static final int MAX_FIELD_LENGTH = 256;
    private static final int MAX_PROBLEM_LENGTH = 1024;

    private final String field;
    private final String problem;

    /**
     * @param field JSON path of the offending field, e.g. {@code detail.resourceType}, or {@code $}
     *     for the document itself
     * @param problem what is wrong with it, e.g. {@code expected AWS::EC2::Instance, got AWS::S3::Bucket}
     */
    public InvalidEventException(String field, String problem) {
        super("invalid event: " + FieldLimits.oneLine(field, MAX_FIELD_LENGTH) + ": "
                + FieldLimits.oneLine(problem, MAX_PROBLEM_LENGTH));
        this.field = FieldLimits.oneLine(field, MAX_FIELD_LENGTH);
        this.problem = FieldLimits.oneLine(problem, MAX_PROBLEM_LENGTH);
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
