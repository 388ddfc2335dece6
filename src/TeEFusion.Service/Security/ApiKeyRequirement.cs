namespace TeEFusion.Service.Security;

/// <summary>Endpoint metadata marking a key-protected route; Swagger reads it to document the security requirement.</summary>
public sealed record ApiKeyRequirement(AccessLevel Level);
