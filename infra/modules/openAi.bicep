// Azure OpenAI with a chat deployment (generative answers, ticket summaries) and an embeddings deployment (hybrid
// search). Keys are switched off: the bot signs in with its managed identity (Cognitive Services OpenAI User).

import { modelDeployment } from 'types.bicep'

@description('Azure region of the account (the models must be offered there).')
param location string

@description('Account name; also its custom subdomain (https://<name>.openai.azure.com/).')
@minLength(2)
@maxLength(64)
param name string

@description('The chat model deployment.')
param chat modelDeployment

@description('The embeddings model deployment.')
param embeddings modelDeployment

@description('Name of the bot\'s user-assigned managed identity (in this resource group).')
param identityName string

@description('Tags for every resource.')
param tags object

var openAiUser = subscriptionResourceId(
  'Microsoft.Authorization/roleDefinitions',
  '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'
)

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: identityName
}

resource account 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'OpenAI'
  sku: {
    name: 'S0'
  }
  properties: {
    customSubDomainName: name
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
  }
}

resource chatDeployment 'Microsoft.CognitiveServices/accounts/deployments@2025-06-01' = {
  parent: account
  name: chat.name
  sku: {
    name: chat.sku
    capacity: chat.capacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: chat.model
      version: chat.version
    }
    versionUpgradeOption: 'NoAutoUpgrade'
  }
}

// One deployment at a time: the service rejects concurrent changes to an account's deployments.
resource embeddingsDeployment 'Microsoft.CognitiveServices/accounts/deployments@2025-06-01' = {
  parent: account
  name: embeddings.name
  sku: {
    name: embeddings.sku
    capacity: embeddings.capacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: embeddings.model
      version: embeddings.version
    }
    versionUpgradeOption: 'NoAutoUpgrade'
  }
  dependsOn: [
    chatDeployment
  ]
}

resource botUsesOpenAi 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, identity.id, openAiUser)
  scope: account
  properties: {
    roleDefinitionId: openAiUser
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    description: 'SupportBot calls the chat and embeddings deployments with its managed identity.'
  }
}

output endpoint string = account.properties.endpoint
output chatDeploymentName string = chatDeployment.name
output embeddingsDeploymentName string = embeddingsDeployment.name
