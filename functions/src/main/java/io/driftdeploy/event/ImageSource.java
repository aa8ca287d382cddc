package io.driftdeploy.event;

/** The three events that announce a new image, with the source and detail-type each arrives with. */
public enum ImageSource {
    /** EC2 {@code EC2 AMI State Change}: an AMI reached a state (available, failed, ...). */
    AMI_STATE_CHANGE("aws.ec2", "EC2 AMI State Change"),
    /** EC2 Image Builder {@code EC2 Image Builder Image State Change}: an image build version changed status. */
    IMAGE_BUILDER("aws.imagebuilder", "EC2 Image Builder Image State Change"),
    /** Our {@code Golden Image Published}, put on the bus by the Packer pipeline or the CLI. */
    GOLDEN_IMAGE_PUBLISHED("drift-deploy.images", "Golden Image Published");

    private final String source;
    private final String detailType;

    ImageSource(String source, String detailType) {
        this.source = source;
        this.detailType = detailType;
    }

    /** The EventBridge {@code source}. */
    public String source() {
        return source;
    }

    /** The EventBridge {@code detail-type}. */
    public String detailType() {
        return detailType;
    }
}
