namespace TeEFusion.Service.Security;

/// <summary>Puts API-key checks on route groups and documents their 401/403 answers.</summary>
public static class SecurityEndpointExtensions
{
    /// <summary>/v1 rule: a valid API or admin key, or none when Auth:ApiKeys is empty.</summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.Require(AccessLevel.Api);

    /// <summary>/admin rule: a valid admin key; an API key gets 403.</summary>
    public static TBuilder RequireAdminKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.Require(AccessLevel.Admin);

    private static TBuilder Require<TBuilder>(this TBuilder builder, AccessLevel level) where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(new ApiKeyFilter(level));
        builder.WithMetadata(new ApiKeyRequirement(level));
        builder.ProducesProblem(StatusCodes.Status401Unauthorized);
        if (level == AccessLevel.Admin) builder.ProducesProblem(StatusCodes.Status403Forbidden);
        return builder;
    }
}
