package io.driftdeploy.aws;

import io.driftdeploy.config.TagMatcher;
import io.driftdeploy.policy.DescribedImage;
import io.driftdeploy.policy.ImageRef;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What is known about images: what EC2 says about an AMI, and which AMI an Image Builder build
 * distributed here ({@link Ec2ImageCatalog}). An unknown or deregistered image is absent, never
 * an error.
 */
public interface ImageCatalog {

    /** The AMI as EC2 describes it; empty when EC2 knows no such image. */
    Optional<DescribedImage> describe(String imageId);

    /**
     * The available AMIs owned by one of {@code owners} that carry both {@code appTag=app} and the
     * golden-image tag, newest first: the candidates the scheduled sweep catches an app up to.
     */
    List<ImageRef> goldenImages(String appTag, String app, TagMatcher goldenTag, List<String> owners);

    /** The creation time of each of these AMIs that EC2 still knows. */
    Map<String, ImageRef> created(Collection<String> imageIds);

    /**
     * The AMI an Image Builder image build version distributed to this region and account; empty
     * when Image Builder knows no such image or it has no AMI here.
     */
    Optional<String> imageBuilderAmi(String imageBuildVersionArn, String region, String account);
}
