package io.driftdeploy.cli.aws;

import io.driftdeploy.aws.Ec2ImageCatalog;
import io.driftdeploy.aws.RequiresIam;
import io.driftdeploy.config.TagMatcher;
import io.driftdeploy.policy.DescribedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;

/** The golden images of an application that EC2 holds, read only, for status to pick the newest the rollout rules accept. */
public record GoldenImages(Ec2Client ec2) {

    /**
     * ec2:DescribeImages owned by the trusted accounts ({@code Owners}) and tagged with the app and
     * the golden-image tag, newest first. What EC2 filters here only narrows the list: the rollout
     * rules (ImageRules) judge each image again, as the images function would.
     */
    @RequiresIam("ec2:DescribeImages")
    public List<DescribedImage> of(String app, String appTag, TagMatcher goldenTag, List<String> trustedAccounts) {
        List<Filter> filters = new ArrayList<>();
        filters.add(Filter.builder().name("tag:" + appTag).values(app).build());
        filters.add(goldenTag.value() == null
                ? Filter.builder().name("tag-key").values(goldenTag.key()).build()
                : Filter.builder().name("tag:" + goldenTag.key()).values(goldenTag.value()).build());
        return ec2.describeImagesPaginator(request -> request.owners(trustedAccounts).filters(filters).includeDeprecated(true))
                .images().stream()
                .map(Ec2ImageCatalog::described)
                .sorted(Comparator.comparing(DescribedImage::created).reversed())
                .toList();
    }
}
