package io.driftdeploy.fakes;

import io.driftdeploy.aws.ImageCatalog;
import io.driftdeploy.config.TagMatcher;
import io.driftdeploy.policy.DescribedImage;
import io.driftdeploy.policy.ImageRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The images EC2 and Image Builder know, in memory: an image not registered is absent, as in
 * {@link io.driftdeploy.aws.Ec2ImageCatalog}. Keeps the questions asked, in order.
 */
public final class FakeImageCatalog implements ImageCatalog {

    /** Where an Image Builder build distributed its AMI. */
    private record Distribution(String region, String account, String imageId) {
    }

    private final Map<String, DescribedImage> images = new LinkedHashMap<>();
    private final Map<String, List<Distribution>> builds = new HashMap<>();
    private final List<String> calls = new ArrayList<>();

    public void register(DescribedImage image) {
        images.put(image.imageId(), image);
    }

    /** The Image Builder build version distributed {@code imageId} to the region and account. */
    public void distribute(String imageBuildVersionArn, String region, String account, String imageId) {
        builds.computeIfAbsent(imageBuildVersionArn, arn -> new ArrayList<>()).add(new Distribution(region, account, imageId));
    }

    /** Each question asked, as {@code describe ami-…}, {@code created [ami-…]} or {@code imageBuilderAmi arn:…}. */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    @Override
    public Optional<DescribedImage> describe(String imageId) {
        calls.add("describe " + imageId);
        return Optional.ofNullable(images.get(imageId));
    }

    @Override
    public List<ImageRef> goldenImages(String appTag, String app, TagMatcher goldenTag, List<String> owners) {
        calls.add("goldenImages " + appTag + "=" + app);
        return images.values().stream()
                .filter(image -> image.available() && owners.contains(image.ownerId())
                        && app.equals(image.tags().get(appTag)) && goldenTag.matches(image.tags()))
                .map(DescribedImage::ref)
                .sorted(Comparator.comparing(ImageRef::created).reversed())
                .toList();
    }

    /** Like EC2's adapter, asks nothing for no images. */
    @Override
    public Map<String, ImageRef> created(Collection<String> imageIds) {
        if (imageIds.isEmpty()) {
            return Map.of();
        }
        calls.add("created " + imageIds.stream().sorted().toList());
        Map<String, ImageRef> known = new HashMap<>();
        imageIds.stream().map(images::get).filter(Objects::nonNull)
                .forEach(image -> known.put(image.imageId(), image.ref()));
        return known;
    }

    @Override
    public Optional<String> imageBuilderAmi(String imageBuildVersionArn, String region, String account) {
        calls.add("imageBuilderAmi " + imageBuildVersionArn);
        return builds.getOrDefault(imageBuildVersionArn, List.of()).stream()
                .filter(distribution -> distribution.region().equals(region) && distribution.account().equals(account))
                .map(Distribution::imageId)
                .findFirst();
    }
}
