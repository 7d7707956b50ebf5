// Key Vault for every secret the bot reads. RBAC authorization (no access policies), soft delete with purge
// protection. The bot's identity may only read secrets (Key Vault Secrets User); the Container App resolves its
// Key Vault references with that identity, so no secret value is ever an app setting.

@description('Azure region.')
param location string

@description('Key Vault name (3-24 characters, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Name of the bot\'s user-assigned managed identity (in this resource group).')
param identityName string

@description('Object id of a person or group who stores secrets by hand (the Direct Line secret, rotations): gets Key Vault Secrets Officer. Empty = nobody.')
param keyVaultAdminPrincipalId string

@description('Principal type of keyVaultAdminPrincipalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param keyVaultAdminPrincipalType string

@description('Name of the ticket system secret, e.g. Tickets--Jira--ApiToken.')
@minLength(1)
@maxLength(127)
param ticketSystemSecretName string

@description('The ServiceNow password or Jira API token.')
@secure()
@minLength(1)
param ticketSystemSecret string

@description('Tags for every resource.')
param tags object

var keyVaultSecretsUser = subscriptionResourceId(
  'Microsoft.Authorization/roleDefinitions',
  '4633458b-17de-408a-b874-0445c86b69e6'
)
var keyVaultSecretsOfficer = subscriptionResourceId(
  'Microsoft.Authorization/roleDefinitions',
  'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
)

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: identityName
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    // The Container Apps environment has no virtual network here, so the vault stays reachable over the
    // internet; every request still needs an Entra token with a data-plane role.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource botReadsSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: keyVaultSecretsUser
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    description: 'SupportBot reads its secrets (Container App Key Vault references).'
  }
}

resource officerWritesSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(keyVaultAdminPrincipalId)) {
  name: guid(vault.id, keyVaultAdminPrincipalId, keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: keyVaultSecretsOfficer
    principalId: keyVaultAdminPrincipalId
    principalType: keyVaultAdminPrincipalType
    description: 'Stores SupportBot secrets by hand (Direct Line secret, rotations).'
  }
}

resource ticketSystemSecretValue 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: ticketSystemSecretName
  properties: {
    value: ticketSystemSecret
    contentType: 'text/plain'
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
output ticketSystemSecretUri string = ticketSystemSecretValue.properties.secretUri
