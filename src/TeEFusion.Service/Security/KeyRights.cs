namespace TeEFusion.Service.Security;

/// <summary>What a presented key may do.</summary>
public enum KeyRights
{
    Unknown,
    Api,
    Admin,
}
