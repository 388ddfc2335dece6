namespace TeEFusion.Service.Security;

/// <summary>Whether a request carried a credential, and whether it could be read.</summary>
public enum CredentialShape
{
    None,
    Malformed,
    Present,
}
