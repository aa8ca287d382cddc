package io.driftdeploy.aws;

import io.driftdeploy.config.TagMatcher;
import io.driftdeploy.policy.DescribedImage;
import io.driftdeploy.policy.ImageRef;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.imagebuilder.ImagebuilderClient;
import software.amazon.awssdk.services.imagebuilder.model.Ami;
import software.amazon.awssdk.services.imagebuilder.model.ResourceNotFoundException;

/**
 * The image catalog as EC2 and EC2 Image Builder keep it. Images are looked up with the
 * {@code image-id} filter rather than by id: an unknown or deregistered AMI is then simply absent,
 * where a lookup by id would fail the whole call.
 */
public final class Ec2ImageCatalog implements ImageCatalog {

    private final Ec2Client ec2;
    private final ImagebuilderClient imageBuilder;

    public Ec2ImageCatalog(Ec2Client ec2, ImagebuilderClient imageBuilder) {
        this.ec2 = ec2;
        this.imageBuilder = imageBuilder;
    }

    /** ec2:DescribeImages for one AMI. */
    @Override
    @RequiresIam("ec2:DescribeImages")
    public Optional<DescribedImage> describe(String imageId) {
        return images(List.of(imageId)).stream().findFirst().map(Ec2ImageCatalog::described);
    }

    /** ec2:DescribeImages for several AMIs at once. */
    @Override
    @RequiresIam("ec2:DescribeImages")
    public Map<String, ImageRef> created(Collection<String> imageIds) {
        if (imageIds.isEmpty()) {
            return Map.of();
        }
        return images(imageIds).stream()
                .map(image -> new ImageRef(image.imageId(), Instant.parse(image.creationDate())))
                .collect(Collectors.toMap(ImageRef::imageId, Function.identity(), (first, second) -> first));
    }

    /** ec2:DescribeImages by owner, state and both tags (all pages), newest first. */
    @Override
    @RequiresIam("ec2:DescribeImages")
    public List<ImageRef> goldenImages(String appTag, String app, TagMatcher goldenTag, List<String> owners) {
        return ec2.describeImagesPaginator(request -> request
                        .owners(owners)
                        .filters(Filter.builder().name("state").values("available").build(),
                                Filter.builder().name("tag:" + appTag).values(app).build(),
                                Filter.builder().name("tag:" + goldenTag.key()).values(goldenTag.value()).build()))
                .images().stream()
                .map(image -> new ImageRef(image.imageId(), Instant.parse(image.creationDate())))
                .sorted(Comparator.comparing(ImageRef::created).reversed())
                .toList();
    }

    /** imagebuilder:GetImage. */
    @Override
    @RequiresIam("imagebuilder:GetImage")
    public Optional<String> imageBuilderAmi(String imageBuildVersionArn, String region, String account) {
        List<Ami> amis;
        try {
            amis = imageBuilder.getImage(request -> request.imageBuildVersionArn(imageBuildVersionArn))
                    .image().outputResources().amis();
        } catch (ResourceNotFoundException unknown) {
            return Optional.empty();
        }
        // A distribution can copy the AMI to other regions and accounts; only the one here can roll out here.
        return amis.stream()
                .filter(ami -> region.equals(ami.region()))
                .filter(ami -> ami.accountId() == null || account.equals(ami.accountId()))
                .map(Ami::image)
                .filter(Objects::nonNull)
                .findFirst();
    }

    private List<Image> images(Collection<String> imageIds) {
        return ec2.describeImages(request -> request
                        .filters(Filter.builder().name("image-id").values(imageIds).build())
                        // A group may still run an image that was deprecated since; its age still counts.
                        .includeDeprecated(true))
                .images();
    }

    /** The AMI as the rollout rules look at it; shared with the CLI's status, which lists golden images. */
    public static DescribedImage described(Image image) {
        Map<String, String> tags = image.tags().stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b));
        return new DescribedImage(image.imageId(), image.stateAsString(), image.ownerId(),
                Instant.parse(image.creationDate()), tags);
    }
}
