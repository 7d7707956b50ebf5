// The bot's one identity: it is the Azure Bot's app (UserAssignedMSI), pulls the image, reads Key Vault,
// calls Azure OpenAI and Microsoft Graph. No client secret exists anywhere.

@description('Azure region.')
param location string

@description('Name of the user-assigned managed identity.')
@minLength(3)
@maxLength(128)
param name string

@description('Tags for every resource.')
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
