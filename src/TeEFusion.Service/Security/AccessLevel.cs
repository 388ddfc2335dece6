namespace TeEFusion.Service.Security;

/// <summary>What a route group demands of the caller's key.</summary>
public enum AccessLevel
{
    /// <summary>/v1: an API or admin key, or none when Auth:ApiKeys is empty.</summary>
    Api,

    /// <summary>/admin: an admin key, always.</summary>
    Admin,
}
